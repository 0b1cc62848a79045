print("ticklerd")
