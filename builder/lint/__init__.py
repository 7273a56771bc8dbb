"""`coursekit lint`: the decks opened in Chromium and every slide measured before it goes on
stage (run.py), the rules that judge the measures (rules.py), the HTML report (report.py)."""
