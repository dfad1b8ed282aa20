"""Rules of §4 wide-area rules: adoptions of a prefecture's or a 保健所's 退院調整ルール, the before/after
measures, the prefecture's coordination survey. The rules part adds its rules here."""
