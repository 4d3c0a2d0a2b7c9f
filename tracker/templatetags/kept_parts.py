"""`{% load kept_parts %}{% kept_compressed "name" key ... %}...{% endkept_compressed %}`: a large
part of the page, kept compressed under its name and keys (tracker/kept_parts.py). The keys must
name everything the part shows, as a `{% cache %}` tag's do; it is usually one, inside."""

from django import template

from tracker import kept_parts

register = template.Library()


class KeptCompressedNode(template.Node):
    def __init__(self, nodelist, names):
        self.nodelist = nodelist
        self.names = names

    def render(self, context):
        text = self.nodelist.render(context)
        key = ":".join(str(name.resolve(context)) for name in self.names)
        kept_parts.mark(getattr(context, "request", None), key, text)
        return text


@register.tag
def kept_compressed(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes a name and the part's keys.")
    nodelist = parser.parse(("endkept_compressed",))
    parser.delete_first_token()
    return KeptCompressedNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])
