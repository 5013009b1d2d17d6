"""Markets: goods (demand, shares, production), labour (prefectures), credit (the bank)."""
