"""The domain of review requests: models, rules, the workflow, the journey's steps, tracking,
letters' and notifications' content, upload checks and staff accounts. Nothing here knows the
web: see docs/architecture.md for what may import what."""
