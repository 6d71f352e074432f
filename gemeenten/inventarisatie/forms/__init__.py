"""The needs inventory's forms, one module per part."""
