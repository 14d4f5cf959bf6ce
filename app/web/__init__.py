"""Web plumbing shared by the blueprints: sign-in, languages, layout, error pages."""
