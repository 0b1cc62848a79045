enum _PlaceholderTicklerStore {}
