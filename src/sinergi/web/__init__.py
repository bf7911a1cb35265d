"""What every page shares: the base layout, the stylesheet, htmx, form partials, sign-in and
the accessibility statement."""
