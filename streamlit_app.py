"""Entry script: `streamlit run streamlit_app.py` (what `make run` does).

It lives at the top of the repository, away from `explorer/pages/`, so Streamlit never mistakes that folder
for a legacy pages directory; the shell itself is `explorer.app.main`.
"""

from explorer.app import main

main()
