// RaditText: see ../shared/DESIGN.md §2 for what this layer holds.
