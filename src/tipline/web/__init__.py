"""What every page shares: headers, the base template and styles, the error pages."""
