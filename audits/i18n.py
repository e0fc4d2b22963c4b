"""Re-export kept while sub-apps move to config.i18n."""

from config.i18n import translated

__all__ = ["translated"]
