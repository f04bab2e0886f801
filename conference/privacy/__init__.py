"""Data protection (DSGVO): retention and automatic deletion, export of one person's data,
deletion on request, and a record of every deletion."""
