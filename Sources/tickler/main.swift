print("tickler")
