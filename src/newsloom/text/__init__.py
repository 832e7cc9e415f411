"""Bottom-layer language utilities: lemmas, stems, sentences, name tokens, calendars."""
