"""Audit log of organiser actions (who did what, when). Sits beside auth at the bottom layer."""
