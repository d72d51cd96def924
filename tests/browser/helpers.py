from playwright.sync_api import Page


def sign_in(page: Page, email: str, password: str) -> Page:
    """Sign in through the form, and wait until the sign-in page is left."""
    page.goto("/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/sign-in/" not in url)
    return page
