"""The board's meetings and agendas, and calendars (iCalendar) of meetings and deadlines."""
