enum _PlaceholderTicklerConfig {}
