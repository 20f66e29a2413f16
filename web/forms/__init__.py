"""The GOV.UK form kit every blueprint builds its forms from."""

from __future__ import annotations

from flask import Flask

from web.forms.rendering import date_input_params, heading_field


def init_form_kit(app: Flask) -> None:
    """Make the kit's template helpers available to every blueprint's templates."""
    app.add_template_global(heading_field)
    app.add_template_global(date_input_params)
