"""Templates compiled once for each language, with their constant words already translated.

A template's `_("…")` runs Jinja's gettext on every render: the request's translations found,
the word looked up, marked safe when the page escapes, and formatted with `%`; a page says
tens to hundreds of words. A constant word's translation is fixed once the catalogue is
loaded, so each language has an overlay of the environment (Jinja's `Environment.overlay()`:
the same loader, filters and globals, a cache of compiled templates of its own) whose
templates are compiled with those words translated. A call of `_` or `gettext` with one
constant string becomes the text Jinja's gettext would give for it: the translation, marked
safe when the page escapes, formatted with `%` (so `%%` is one `%`); with keyword arguments,
formatted with them at render, so their values are escaped exactly as before. Everything else
(`ngettext`, `pgettext`, words built at render, a word whose `%` would fail, and any template
that binds `_` or `gettext` to something of its own) is translated at render as before.

A template loaded while no language has been chosen (outside a request, unless one is forced
with flask_babel's `force_locale`) comes from the environment itself, with every word
translated at render. Imports and includes load through the template's own environment, so
they are compiled for the same language; templates reload in debug as before.

A template's globals are Jinja's ChainMap of its own over the environment's, with one
difference: their keys are given as a dict's. Jinja compares a page's global names with an
imported template's at every `{% import %}`, and a ChainMap's keys view tests each of some
eighty names with a call in Python (about 230 calls an import).

What a template writes with `{{ … }}` is escaped as Jinja escapes it, with one difference: it
is given to the page as the escaped text rather than as a new `Markup` of it. The page joins
every piece into one string anyway, and a `Markup` made for each piece (some four hundred on
a page of history) cost three more Python calls than the escaping itself. The text is the
same, character for character (`write_escaped`; a property test compares it with markupsafe's
`escape`)."""
from collections import ChainMap
from hashlib import sha256

from flask.templating import Environment
from jinja2 import BytecodeCache, Template, nodes
from jinja2.visitor import NodeTransformer

from .i18n import translations
from .request_babel import request_locale

WORDS = frozenset({"_", "gettext"})


# markupsafe's escapes, as its `escape` writes them
ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&#34;"})


def write_escaped(value) -> str:
    """The text of `markupsafe.escape(value)`, without making it a `Markup`."""
    if type(value) is str:
        return value.translate(ESCAPES)
    html = getattr(value, "__html__", None)
    if html is not None:
        return html()
    return str(value).translate(ESCAPES)


class WrittenTemplate(Template):
    """A Jinja template whose `{{ … }}` writes its escaped text through `write_escaped`: the
    compiled template's functions find `escape` among their module's names."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None) -> "WrittenTemplate":
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func.__globals__["escape"] = write_escaped
        return template


class LanguageEnvironment(Environment):
    """Flask's template environment, serving each language's templates from its own
    overlay, compiled with the language's words (Flask's `jinja_environment` hook)."""

    template_class = WrittenTemplate
    word_translations = None   # an overlay's translations; None for the environment itself

    def __init__(self, app, **options) -> None:
        super().__init__(app, **options)
        self.languages: dict = {}   # a locale -> its overlay (shared with the overlays)

    def language_environment(self) -> "LanguageEnvironment | None":
        """The overlay for the language chosen for the request; None when no language is
        chosen, and in an overlay itself."""
        if self.word_translations is not None:
            return None
        try:
            locale = request_locale()
        except RuntimeError:   # an application context without a request: none is chosen
            return None
        if locale is None:
            return None
        overlay = self.languages.get(locale)
        if overlay is None:
            overlay = self.languages[locale] = self._language_overlay(translations())
        overlay.auto_reload = self.auto_reload   # Flask switches it with debug
        return overlay

    def _language_overlay(self, words) -> "LanguageEnvironment":
        shared = self.bytecode_cache
        kept = None if shared is None else LanguageBytecode(shared, words)
        overlay = self.overlay(bytecode_cache=kept)
        overlay.word_translations = words
        return overlay

    def make_globals(self, d) -> "Globals":
        """Jinja's globals of a template (`d`, its own, over the environment's)."""
        return Globals({} if d is None else d, self.globals)

    def _load_template(self, name, globals):
        overlay = self.language_environment()
        # Jinja's own loading, in the overlay: its cache, its compiler
        return super(LanguageEnvironment, overlay or self)._load_template(name, globals)

    def _parse(self, source, name, filename) -> nodes.Template:
        template = super()._parse(source, name, filename)
        if self.word_translations is None or binds_words(template):
            return template
        return TranslatedWords(self.word_translations).visit(template)


class Globals(ChainMap):
    """A ChainMap whose keys are a dict's keys, made at the call: the same names, compared with
    a set in C rather than tested one by one in Python."""

    def keys(self):
        return dict.fromkeys(self).keys()


def binds_words(template: nodes.Template) -> bool:
    """Whether the template gives `_` or `gettext` a meaning of its own (a loop variable,
    an assignment, a macro's argument, an import), so its calls are not the translator's."""
    for node in template.find_all((nodes.Name, nodes.Import, nodes.FromImport, nodes.Macro)):
        if isinstance(node, nodes.Name):
            bound = {node.name} if node.ctx in ("store", "param") else set()
        elif isinstance(node, nodes.Import):
            bound = {node.target}
        elif isinstance(node, nodes.FromImport):
            bound = {name if isinstance(name, str) else name[-1] for name in node.names}
        else:
            bound = {node.name}
        if bound & WORDS:
            return True
    return False


class TranslatedWords(NodeTransformer):
    """Replaces each call of `_` or `gettext` on one constant string with its translation."""

    def __init__(self, words) -> None:
        self.words = words

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        self.generic_visit(node)
        translated = self.translated(node)
        if translated is None:
            return node
        translated.set_lineno(node.lineno)
        return translated.set_environment(node.environment)

    def translated(self, call: nodes.Call) -> nodes.Expr | None:
        callee, args = call.node, call.args
        if not (isinstance(callee, nodes.Name) and callee.name in WORDS and callee.ctx == "load"
                and len(args) == 1 and isinstance(args[0], nodes.Const)
                and isinstance(args[0].value, str)
                and call.dyn_args is None and call.dyn_kwargs is None):
            return None
        text = self.words.ugettext(args[0].value)
        if call.kwargs:   # formatted at render, the values escaped as Jinja's gettext does
            values = nodes.Dict([nodes.Pair(nodes.Const(kw.key), kw.value)
                                 for kw in call.kwargs])
            return nodes.Mod(nodes.MarkSafeIfAutoescape(nodes.Const(text)), values)
        try:
            text = text % {}
        except (KeyError, TypeError, ValueError):   # fails at render, as it always did
            return None
        return nodes.MarkSafeIfAutoescape(nodes.Const(text))


class LanguageBytecode(BytecodeCache):
    """The environment's bytecode cache with a language's templates kept apart from the
    others' (the cache knows a template by its name and source, not by its words)."""

    def __init__(self, shared: BytecodeCache, words) -> None:
        self.shared = shared
        catalogue = sorted(map(repr, getattr(words, "_catalog", {}).items()))
        self.words_key = sha256(repr(catalogue).encode()).hexdigest()

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return f"{self.shared.get_cache_key(name, filename)}.{self.words_key}"

    def load_bytecode(self, bucket) -> None:
        self.shared.load_bytecode(bucket)

    def dump_bytecode(self, bucket) -> None:
        self.shared.dump_bytecode(bucket)
