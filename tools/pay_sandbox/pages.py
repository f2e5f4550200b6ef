"""The sandbox's hosted pages: the card form and the messages around it.

Plain HTML with labelled fields and no script, in the spirit of GOV.UK Pay's
own page. Nothing the payer typed is ever written back into a page.
"""

from html import escape

from tools.pay_sandbox.store import Payment

STYLE = """
body { font-family: Arial, sans-serif; max-width: 40rem; margin: 2rem auto;
       padding: 0 1rem; color: #0b0c0c; }
.banner { background: #f3f2f1; border-left: 6px solid #1d70b8; padding: 0.5rem 1rem; }
label { display: block; font-weight: bold; margin-top: 1rem; }
input { font-size: 1.1rem; padding: 0.3rem; }
.errors { border: 4px solid #d4351c; padding: 0.5rem 1rem; margin: 1rem 0; }
button { margin-top: 1.5rem; font-size: 1.1rem; padding: 0.5rem 1rem; }
"""


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        "<p class='banner'>Test payment page: no real money is taken. "
        "Use a test card number.</p>"
        f"{body}</body></html>"
    )


def card_page(payment: Payment, errors: list[str]) -> str:
    amount = payment.amount
    shown = f"£{amount // 100:,}.{amount % 100:02d}"
    action = f"/secure/{escape(payment.charge_token)}"
    error_list = ""
    if errors:
        items = "".join(f"<li>{escape(message)}</li>" for message in errors)
        error_list = (
            "<div class='errors' role='alert'><h2>There is a problem</h2>"
            f"<ul>{items}</ul></div>"
        )
    return _page(
        "Enter card details",
        f"<h1>Enter card details</h1>"
        f"<p>{escape(str(payment.body['description']))}</p>"
        f"<p>Total amount: <strong id='amount'>{shown}</strong></p>"
        f"{error_list}"
        f"<form method='post' action='{action}' autocomplete='off' id='card-details'>"
        "<label for='card_number'>Card number</label>"
        "<input id='card_number' name='card_number' inputmode='numeric' "
        "autocomplete='cc-number' size='24'>"
        "<label for='expiry_month'>Expiry date (month and year, e.g. 03 29)</label>"
        "<input id='expiry_month' name='expiry_month' inputmode='numeric' size='2' "
        "autocomplete='cc-exp-month'> "
        "<input id='expiry_year' name='expiry_year' inputmode='numeric' size='4' "
        "autocomplete='cc-exp-year' aria-label='Expiry year'>"
        "<label for='cardholder_name'>Name on card</label>"
        "<input id='cardholder_name' name='cardholder_name' autocomplete='cc-name' "
        "size='30'>"
        "<label for='cvc'>Card security code</label>"
        "<input id='cvc' name='cvc' inputmode='numeric' autocomplete='cc-csc' size='4'>"
        "<div><button type='submit' name='action' value='pay'>Continue</button></div>"
        "<div><button type='submit' name='action' value='cancel'>Cancel payment"
        "</button></div></form>",
    )


def finished_page(payment: Payment) -> str:
    link = escape(str(payment.body["return_url"]))
    return _page(
        "This payment has finished",
        "<h1>This payment has finished</h1>"
        f"<p><a href='{link}'>Go back to the service</a></p>",
    )


def not_found_page() -> str:
    return _page(
        "Payment not found",
        "<h1>This link is not valid</h1>"
        "<p>Start the payment again from the service.</p>",
    )
