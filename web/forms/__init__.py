"""The GOV.UK form kit every blueprint builds its forms from."""
