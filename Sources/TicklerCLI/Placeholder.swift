enum _PlaceholderTicklerCLI {}
