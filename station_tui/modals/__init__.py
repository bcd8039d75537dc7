"""Small dialogs shared by several screens: confirmation, concurrent-edit choice."""
