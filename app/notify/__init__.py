"""Telling members things outside the mall's pages: the words of reminders and email."""
