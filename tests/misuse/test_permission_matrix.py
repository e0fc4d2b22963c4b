"""Every role × every URL the project serves, pointed at another organization's objects: nothing leaks.

The URLs come from the resolver, so a new endpoint joins the sweep without editing this file; its
keyword arguments are filled from `KWARGS` (tests/misuse/world.py), keyed by the path segment they
follow, and a keyword the table does not know fails `test_every_url_is_covered` until someone says
which object it names.
Unlike tests/audits/test_permissions.py (what each role may do on its own audit), this sweep only
asks: does anything of organization B reach someone who has no role there?
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern

from tests.misuse.world import KWARGS, ROLES, SHARED_KWARGS, Side, World

# Public on purpose, or guarded elsewhere: (namespace:)name -> why the sweep leaves it out.
PUBLIC = {
    "set_language": "switches the interface language; no data",
    "login": "the sign-in form",
    "logout": "signing out",
    "api-schema": "the OpenAPI document (tested by test_schemathesis.py)",
    "api-docs": "the API documentation page",
    "facilitators:roster": "the public roster of certified facilitators",
    "roster": "the public roster, over the API",
    "facilitators:verify": "anyone may check a certificate",
    "facilitators:verify-code": "anyone may check a certificate",
    "certificate-verify": "anyone may check a certificate, over the API",
    "surveys:respond": "respondents answer through an unguessable link, signed in or not",
    "surveys:respond-draft": "respondents answer through an unguessable link",
    "surveys:respond-done": "respondents answer through an unguessable link",
    "survey-respond": "respondents answer through an unguessable link, over the API",
    "survey-respond-draft": "respondents answer through an unguessable link, over the API",
    "survey-respond-submit": "respondents answer through an unguessable link, over the API",
}
PUBLIC_NAMESPACES = {"admin": "the Django admin checks is_staff itself"}


FORMAT = "json"  # DRF's format suffix (`.json`), the same view again

# Certification staff run the certification pipeline for everyone: B's candidate is theirs too.
CERTIFICATION_FIRST_SEGMENTS = {
    "certification",
    "certifications",
    "facilitators",
    "practice-records",
    "portfolio-documents",
}
# Object URLs that answer 404 even to B's own lead, certification staff and staff, with the reason.
NOT_FOUND_FOR_EVERYONE = {
    "survey-instrument": "an audit's own copy of a questionnaire is not part of the library",
}
# What A's completed audit is not, for the trainee who is on A's other audits: their organization.
SAME_ORGANIZATION_KEYS = {("organizations", "organizations", "pk")}
MISSING_ID = 999_999_999
PAGE_METHODS = ("get", "post")
API_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    """One URL pattern, flattened: its full regex, its name and the keywords it takes."""

    regex: str
    name: str  # namespace:name, or the view's dotted path for unnamed patterns
    view: str
    methods: tuple[str, ...]  # what the sweep sends: GET and a form POST for pages, what the API view handles

    @property
    def is_api(self) -> bool:
        return self.regex.startswith("api/")

    def groups(self) -> Iterator[tuple[str, str, int, int]]:
        """(keyword, its own regex, start, end) for each named group, outermost only."""
        index = 0
        while (start := self.regex.find("(?P<", index)) != -1:
            name = self.regex[start + 4 : self.regex.index(">", start)]
            depth, end = 0, start
            while True:
                char = self.regex[end]
                if char == "\\":
                    end += 2
                    continue
                depth += {"(": 1, ")": -1}.get(char, 0)
                end += 1
                if depth == 0:
                    break
            yield name, self.regex[start + 5 + len(name) : end - 1], start, end
            index = end

    def keywords(self) -> list[tuple[str, tuple[str, str, str]]]:
        """Each keyword with its table key: (first segment, segment before it, keyword)."""
        first = _literal(self.regex.removeprefix("api/").split("(?P<")[0]).split("/", 1)[0]
        keys, previous = [], 0
        for name, _pattern, start, end in self.groups():
            before = _literal(self.regex[previous:start]).rstrip("/").rsplit("/", 1)[-1]
            keys.append((name, (first, before, name)))
            previous = end
        return keys

    def fill(self, values: dict[str, object]) -> str:
        parts, previous = [], 0
        for name, pattern, start, end in self.groups():
            parts.append(self.regex[previous:start])
            value = str(values[name])
            parts.append(re.escape("." + value if pattern.startswith("\\.") else value))
            previous = end
        parts.append(self.regex[previous:])
        return "/" + _literal("".join(parts))


def _literal(regex: str) -> str:
    """A pattern's text as a path: anchors and the optional trailing slash dropped, escapes undone."""
    text = re.sub(r"(/\?)?(\\Z|\$)$", "", regex.lstrip("^"))
    return re.sub(r"\\(.)", r"\1", text)


def _walk(patterns, prefix: str = "", namespace: str | None = None) -> Iterator[tuple[Route, str | None]]:
    for pattern in patterns:
        own = "" if isinstance(pattern.pattern, LocalePrefixPattern) else pattern.pattern.regex.pattern
        regex = prefix + own.lstrip("^")
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _walk(pattern.url_patterns, regex, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            methods = _api_methods(pattern.callback) if regex.startswith("api/") else PAGE_METHODS
            yield Route(regex, name or pattern.lookup_str, pattern.lookup_str, methods), namespace


def _api_methods(view) -> tuple[str, ...]:
    """The methods a DRF view answers (a viewset route's action map, else the view's handlers)."""
    if actions := getattr(view, "actions", None):
        return tuple(method for method in API_METHODS if method in actions)
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    return tuple(method for method in API_METHODS if hasattr(view_class, method)) or ("get",)


def swept_routes() -> list[Route]:
    return [
        route
        for route, namespace in _walk(get_resolver().url_patterns)
        if route.name not in PUBLIC and (namespace or "").split(":")[0] not in PUBLIC_NAMESPACES
    ]


ROUTES = swept_routes()


def url_for(route: Route, world: World, side: Side, *, missing: bool = False) -> str:
    """The route's URL with every keyword filled from `side` (or with ids nothing has, if `missing`)."""
    values = {}
    for name, key in route.keywords():
        if name == "format":
            values[name] = FORMAT
        elif key in KWARGS:
            values[name] = KWARGS[key](side)
            if missing and isinstance(values[name], int):
                values[name] = MISSING_ID
        elif key in SHARED_KWARGS:
            values[name] = SHARED_KWARGS[key](world)
        else:
            raise KeyError(f"{route.name}: no object for {key}; add it to KWARGS in tests/misuse/world.py")
    return route.fill(values)


def names_objects(route: Route, *, ignore: set = frozenset()) -> bool:
    """Whether the URL points at one organization's objects (rather than a list, a form or the library)."""
    return any(key in KWARGS and key not in ignore for _name, key in route.keywords())


def test_every_url_is_covered(world, db):
    """Every pattern is swept or listed as public, every keyword has an object, every URL resolves."""
    assert len(ROUTES) > 150, "the resolver walk lost patterns"
    problems = []
    for route in ROUTES:
        try:
            url = url_for(route, world, world.b)
        except KeyError as error:
            problems.append(str(error))
            continue
        match = resolve(url)
        if match._func_path != route.view:
            problems.append(f"{route.name}: {url} resolves to {match._func_path}")
    assert not problems, "\n".join(problems)
    assert {route.name for route in ROUTES} >= {"audits:detail", "evidence-api:document", "reports:export"}


OBJECT_ROUTES = [route for route in ROUTES if names_objects(route) and "get" in route.methods]


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=[route.name for route in OBJECT_ROUTES])
def test_the_objects_exist(world, client, route):
    """B's own lead, certification staff or a staff administrator can GET it: the refusals are real."""
    url = url_for(route, world, world.b)
    statuses = []
    for user in (world.b.people["lead"], world.b.people["certstaff"], world.users["admin"]):
        client.force_login(user)
        statuses.append(client.get(url).status_code)
        if statuses[-1] != 404:
            break
    assert (statuses[-1] == 404) == (route.name in NOT_FOUND_FOR_EVERYONE), f"{url}: {statuses}"
    assert max(statuses) < 500, f"{url}: {statuses}"


# The positive control: each role on organization A's equivalent object gets in, and the page shows
# the audit's title, so the refusals and the "shows" check above are not vacuous.
ON_OWN_OBJECTS = [
    ("lead", "audits:detail", "audit"),
    ("lead", "audit-detail", "audit"),
    ("cofacilitator", "evidence:overview", "audit"),
    ("expert", "evidence:documents", "audit"),
    ("trainee", "audits:detail", "fieldwork"),
    ("coordinator", "roadmap:follow-up", "audit"),
    ("coordinator", "reports:report", "audit"),
    ("focalpoint", "selfassessment:wizard", "geosa"),
    ("certstaff", "facilitators:candidate", None),
    ("candidate", "certification-detail", None),
]


@pytest.mark.parametrize(("role", "name", "audit"), ON_OWN_OBJECTS)
def test_each_role_gets_into_its_own_organization(world, as_role, role, name, audit):
    route = next(route for route in ROUTES if route.name == name)
    side = dataclasses.replace(world.a, audit=getattr(world.a, audit)) if audit else world.a

    response = as_role(role).get(url_for(route, world, side))

    assert response.status_code == 200
    shown = getattr(world.a, audit).title if audit else world.users["candidate"].last_name
    assert shown in _body(response)


def _send(client, route: Route, method: str, url: str):
    """GET, or a write with an empty body: a form post for pages, JSON for the API."""
    if method == "get":
        return client.get(url)
    if method == "post" and not route.is_api:
        return client.post(url, {})
    return getattr(client, method)(url, "{}", content_type="application/json")


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def _refused(role: str, route: Route, status: int, response) -> bool:
    if role == "anonymous":
        if route.is_api:
            return status in {401, 403, 405}
        return status == 405 or (status == 302 and response["Location"].startswith("/accounts/login/"))
    return status in {403, 404, 405}


def _runs_certification(role: str, route: Route) -> bool:
    """Certification staff run every candidate's certification, organization B's included."""
    return role == "certstaff" and route.keywords()[0][1][0] in CERTIFICATION_FIRST_SEGMENTS


def _check(world, role: str, route: Route, side: Side, method: str, client) -> list[str]:
    url = url_for(route, world, side)
    response = _send(client, route, method, url)
    status = response.status_code
    where = f"{role} {method.upper()} {url} ({route.name}) -> {status}"
    if status >= 500:
        return [f"{where}: server error"]
    if role == "admin":
        return []  # staff administrators see every organization
    problems = []
    if (names_objects(route) or role == "anonymous") and not _runs_certification(role, route):
        if status == 400 and method != "get":
            # Refused on the body before the object was looked at: fine if a missing object gets the same.
            twin = _send(client, route, method, url_for(route, world, side, missing=True))
            if (twin.status_code, twin.content) != (400, response.content):
                problems.append(f"{where}: a missing object gets {twin.status_code}, so this one exists")
        elif not _refused(role, route, status, response):
            problems.append(f"{where}: expected a refusal (403/404, or sign-in for anonymous)")
    body = _body(response)
    return problems + [f"{where}: shows {text!r}" for text in world.hidden(side) if text in body]


CASES = [(route, "b", tuple(ROLES)) for route in ROUTES] + [
    # The same organization, another audit: the trainee is on two of A's audits but not the completed one.
    (route, "a", ("trainee",))
    for route in ROUTES
    if names_objects(route, ignore=SAME_ORGANIZATION_KEYS)
]


CASE_IDS = [f"{side}-{route.name}-{route.regex}" for route, side, _roles in CASES]


@pytest.mark.parametrize(("route", "side_name", "roles"), CASES, ids=CASE_IDS)
def test_nothing_leaks_to_people_without_a_role(world, as_role, route, side_name, roles):
    """Each role is refused (or sent to sign in), never gets a server error, and sees none of B's names."""
    side = getattr(world, side_name)
    problems = [
        problem
        for role in roles
        for method in route.methods
        for problem in _check(world, role, route, side, method, as_role(role))
    ]
    assert not problems, "\n".join(problems)
