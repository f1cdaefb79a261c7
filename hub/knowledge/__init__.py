"""Knowledge base: curated answer articles and suggestions (built with the knowledge-base issue)."""
