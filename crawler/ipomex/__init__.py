"""Source adapters for the state transparency portal: one small class per portal generation."""
