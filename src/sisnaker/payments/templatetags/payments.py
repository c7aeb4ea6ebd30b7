from django import template

from sisnaker.payments import channels

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


@register.filter
def provider(code) -> str:
    """A payout provider's code as people know it: "002" → "BRI (002)", "gopay" → "GoPay"; an unknown code as itself."""
    found = channels.provider(str(code or ""))
    if found is None:
        return code or ""
    return f"{found.short_name} ({found.code})" if found.channel == channels.BANK else found.short_name
