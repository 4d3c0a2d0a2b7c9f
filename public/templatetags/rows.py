"""`{% load rows %}{% rows "statements/_row.html" statements "statement" show_sources=True %}`:
a list's rows, each reused from the cache while what it shows is unchanged (tracker/fragments.py).

The row template sees its object (under the given name) and the options, nothing else of the
page, since a stored row is shared by every page that lists it."""

from django import template

from tracker.fragments import rendered_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def rows(context, template_name: str, objects, name: str, **options):
    row_template = context.template.engine.get_template(template_name)
    return rendered_rows(row_template, context.new(), objects, name, **options)
