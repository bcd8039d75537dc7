"""Widgets shared by the screens: localized bindings, form fields, the paged table."""
