"""The member's inbox: reminders and other notices from the mall."""
