"""Build steps: student skeletons and Gradescope/Otter zips."""
