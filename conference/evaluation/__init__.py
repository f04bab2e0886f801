"""The evaluation after an event: a questionnaire mailed to those who came, answered anonymously, and its results."""
