from django import template

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """600000 → "Rp600.000" (Indonesian thousands separator in both languages, as on bank statements)."""
    try:
        amount = int(value or 0)
    except (TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")
