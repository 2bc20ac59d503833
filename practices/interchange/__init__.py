"""Practices in and out as JSON Lines (CONTRACT §5): the record schema, text conversion, import and export."""
