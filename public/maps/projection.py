"""Albers USA composite projection for a 975 x 610 SVG canvas, in pure Python.

The lower 48, Alaska and Hawaii insets reproduce d3-geo's ``geoAlbersUsa()``
with ``.scale(1300).translate([487.5, 305])`` (the projection us-atlas used to
build ``states-albers-10m.json``), including its clip rectangles. A Puerto Rico
inset in the style of d3-composite-projections' ``geoAlbersUsaTerritories`` is
added in the lower right corner, below Florida.

Like d3, ``project()`` only knows rectangles: a point in a neighbouring country
that lands inside an inset's rectangle (southern Canada, northern Mexico, the
eastern tip of Hispaniola) gets coordinates too. Use
``public.maps.outlines.state_containing`` to tell whether a point is on a mapped state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH = 975
HEIGHT = 610
SCALE = 1300.0
TRANSLATE = (WIDTH / 2, HEIGHT / 2)

# d3-geo shrinks the inset clip rectangles by this much so that a point on a
# shared edge belongs to one inset only.
_EPSILON = 1e-6

Point = tuple[float, float]
Rectangle = tuple[float, float, float, float]  # (x0, y0, x1, y1)


@dataclass(frozen=True)
class ConicEqualArea:
    """Albers conic equal-area projection, configured like a d3-geo projection.

    ``rotate_lon`` is d3's ``rotate([rotate_lon, 0])``, ``center`` its
    ``center([lon, lat])`` (in the rotated frame), ``parallels`` its
    ``parallels([phi0, phi1])``, all in degrees; ``scale`` and ``translate``
    are in pixels.
    """

    rotate_lon: float
    center: Point
    parallels: Point
    scale: float
    translate: Point
    _n: float = field(init=False, repr=False)
    _c: float = field(init=False, repr=False)
    _r0: float = field(init=False, repr=False)
    _offset: Point = field(init=False, repr=False)

    def __post_init__(self) -> None:
        sin_phi0 = math.sin(math.radians(self.parallels[0]))
        n = (sin_phi0 + math.sin(math.radians(self.parallels[1]))) / 2
        c = 1 + sin_phi0 * (2 * n - sin_phi0)
        object.__setattr__(self, "_n", n)
        object.__setattr__(self, "_c", c)
        object.__setattr__(self, "_r0", math.sqrt(c) / n)
        center_x, center_y = self._raw(math.radians(self.center[0]), math.radians(self.center[1]))
        object.__setattr__(
            self,
            "_offset",
            (self.translate[0] - self.scale * center_x, self.translate[1] + self.scale * center_y),
        )

    def _raw(self, lam: float, phi: float) -> Point:
        # max() guards against a tiny negative from rounding at the poles.
        r = math.sqrt(max(0.0, self._c - 2 * self._n * math.sin(phi))) / self._n
        angle = lam * self._n
        return r * math.sin(angle), self._r0 - r * math.cos(angle)

    def __call__(self, lon: float, lat: float) -> Point:
        """Return the (x, y) pixel position of ``(lon, lat)``, with no clipping."""
        lam = math.radians(lon + self.rotate_lon)
        if abs(lam) > math.pi:
            lam -= round(lam / math.tau) * math.tau
        raw_x, raw_y = self._raw(lam, math.radians(lat))
        return self._offset[0] + self.scale * raw_x, self._offset[1] - self.scale * raw_y


@dataclass(frozen=True)
class Inset:
    """One panel of the composite: a projection and the pixel rectangle it may draw in."""

    name: str
    projection: ConicEqualArea
    clip: Rectangle

    def contains(self, x: float, y: float) -> bool:
        """Return True when pixel ``(x, y)`` lies inside this inset's clip rectangle."""
        x0, y0, x1, y1 = self.clip
        return x0 <= x <= x1 and y0 <= y <= y1

    def project(self, lon: float, lat: float) -> Point | None:
        """Return the pixel position of ``(lon, lat)``, or None when it falls outside the clip."""
        x, y = self.projection(lon, lat)
        return (x, y) if self.contains(x, y) else None


def _build_insets(scale: float, translate: Point) -> dict[str, Inset]:
    """Return the insets keyed by name, in the order ``project()`` tries them."""
    k = scale
    x, y = translate
    eps = _EPSILON
    return {
        "lower48": Inset(
            "lower48",
            ConicEqualArea(96, (-0.6, 38.7), (29.5, 45.5), k, (x, y)),
            (x - 0.455 * k, y - 0.238 * k, x + 0.455 * k, y + 0.238 * k),
        ),
        "alaska": Inset(
            "alaska",
            ConicEqualArea(154, (-2, 58.5), (55, 65), k * 0.35, (x - 0.307 * k, y + 0.201 * k)),
            (
                x - 0.425 * k + eps,
                y + 0.120 * k + eps,
                x - 0.214 * k - eps,
                y + 0.234 * k - eps,
            ),
        ),
        "hawaii": Inset(
            "hawaii",
            ConicEqualArea(157, (-3, 19.9), (8, 18), k, (x - 0.205 * k, y + 0.212 * k)),
            (
                x - 0.214 * k + eps,
                y + 0.166 * k + eps,
                x - 0.115 * k - eps,
                y + 0.234 * k - eps,
            ),
        ),
        # geoAlbersUsaTerritories centres Puerto Rico at x + 0.350k, and its clip
        # rectangle then runs off a 975 px wide canvas at scale 1300. Here the
        # island is centred in a frame that ends 10 px from the right edge and is
        # level with the bottom of the Alaska and Hawaii frames, clear of the
        # Florida Keys. Like geoAlbersUsaTerritories, the frame also covers the
        # U.S. Virgin Islands, just east of Puerto Rico.
        "puerto_rico": Inset(
            "puerto_rico",
            ConicEqualArea(66, (0, 18), (8, 18), k, (x + 0.340 * k, y + 0.2225 * k)),
            (
                x + 0.294 * k + eps,
                y + 0.204 * k + eps,
                x + 0.367 * k - eps,
                y + 0.234 * k - eps,
            ),
        ),
    }


INSETS: dict[str, Inset] = _build_insets(SCALE, TRANSLATE)


def project(lon: float, lat: float) -> Point | None:
    """Return the (x, y) canvas position of a longitude/latitude in degrees.

    Insets are tried in d3's order (lower 48, Alaska, Hawaii, then Puerto Rico);
    the first whose clip rectangle contains the projected point wins. Returns
    None when no inset does, e.g. for a point in Europe. As in d3, the Alaska
    rectangle reaches past the left edge of the canvas, so the far western
    Aleutians get a negative x.
    """
    for inset in INSETS.values():
        point = inset.project(lon, lat)
        if point is not None:
            return point
    return None
