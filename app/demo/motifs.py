"""The vector motifs the demo's product images are drawn from: cups, bottles, tickets..."""
WHITE, INK = "#FFFFFF", "#1E1A1D"


def mix(colour: str, other: str, t: float) -> str:
    """`colour` moved a fraction `t` of the way towards `other`."""
    a = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(a, b))


def light(c, t=0.45):
    return mix(c, WHITE, t)


def dark(c, t=0.3):
    return mix(c, INK, t)


def steam(x=300, y=150, n=3, colour=WHITE):
    paths = []
    for i in range(n):
        dx = x + (i - (n - 1) / 2) * 42
        paths.append(f'<path d="M{dx} {y + 70} c-18 -22 18 -38 0 -60 c-14 -18 4 -30 0 -40" '
                     f'fill="none" stroke="{colour}" stroke-width="11" stroke-linecap="round" '
                     f'opacity="0.75"/>')
    return "".join(paths)


def sheen(x, y, w, h, r=8):
    return (f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{r}" fill="{WHITE}" '
            f'opacity="0.28"/>')


# ---- motifs: each returns SVG elements drawn around (300, 300), resting on y = 465 ----

def cup(c, latte_art=False):
    coffee = light(c, 0.25) if latte_art else dark(c, 0.55)
    body = "#FFFDF9" if latte_art else c
    rim = "#F1E6DA" if latte_art else light(c, 0.25)
    art = ('<path d="M300 297 c-28 -8 -38 -17 -22 -22 c9 -2 22 0 22 7 c0 -7 13 -9 22 -7 '
           'c16 5 6 14 -22 22z" fill="#FFF6EA"/>' if latte_art else "")
    return (f'<ellipse cx="300" cy="452" rx="170" ry="30" fill="{light(c, 0.82)}"/>'
            f'<ellipse cx="300" cy="446" rx="120" ry="18" fill="{light(c, 0.68)}"/>'
            f'<path d="M404 300 c78 -6 82 102 -8 108" fill="none" stroke="{body}" '
            f'stroke-width="26" stroke-linecap="round"/>'
            f'<path d="M180 280 H420 C420 380 378 446 300 446 C222 446 180 380 180 280Z" '
            f'fill="{body}"/>'
            f'<path d="M204 300 C208 360 232 410 268 428" fill="none" stroke="{WHITE}" '
            f'stroke-width="12" stroke-linecap="round" opacity="0.35"/>'
            f'<ellipse cx="300" cy="280" rx="120" ry="26" fill="{rim}"/>'
            f'<ellipse cx="300" cy="284" rx="104" ry="18" fill="{coffee}"/>'
            + art + steam(300, 120))


def latte(c):
    return cup(c, latte_art=True)


def takeaway(c):
    sleeve = c
    return (f'<path d="M222 206 L378 206 L356 462 Q300 472 244 462Z" fill="#FFFDF9"/>'
            f'<path d="M240 218 L258 450" stroke="#F1E9DF" stroke-width="10" opacity="0.9" '
            f'stroke-linecap="round"/>'
            f'<path d="M214 286 L386 286 L377 382 L223 382Z" fill="{sleeve}"/>'
            f'<circle cx="300" cy="334" r="26" fill="{light(c, 0.7)}"/>'
            f'<circle cx="300" cy="334" r="12" fill="{sleeve}"/>'
            f'<rect x="204" y="178" width="192" height="34" rx="14" fill="{dark(c, 0.35)}"/>'
            f'<rect x="222" y="158" width="156" height="28" rx="12" fill="{dark(c, 0.2)}"/>'
            # a croissant beside the cup
            f'<g transform="translate(424 420) rotate(-14)">'
            f'<ellipse cx="0" cy="0" rx="62" ry="34" fill="#E3A85A"/>'
            f'<ellipse cx="-44" cy="12" rx="30" ry="20" fill="#D89446"/>'
            f'<ellipse cx="44" cy="12" rx="30" ry="20" fill="#D89446"/>'
            f'<path d="M-22 -30 Q-12 0 -22 30 M10 -33 Q20 0 10 33" stroke="#B9772F" '
            f'stroke-width="6" fill="none" stroke-linecap="round"/>'
            f'<ellipse cx="-6" cy="-14" rx="26" ry="8" fill="#F4C98A" opacity="0.8"/></g>')


def bottle(c):
    return (f'<rect x="262" y="128" width="76" height="40" rx="10" fill="{dark(c, 0.2)}"/>'
            f'<path d="M272 166 H328 V206 C328 222 370 226 370 262 V440 Q370 466 344 466 '
            f'H256 Q230 466 230 440 V262 C230 226 272 222 272 206Z" fill="{c}"/>'
            f'<rect x="230" y="300" width="140" height="100" fill="#F6EBDD"/>'
            f'<rect x="254" y="326" width="92" height="12" rx="6" fill="{c}" opacity="0.8"/>'
            f'<rect x="268" y="350" width="64" height="10" rx="5" fill="{c}" opacity="0.45"/>'
            f'<circle cx="300" cy="378" r="7" fill="{light(c, 0.2)}"/>'
            + sheen(246, 236, 16, 200))


def pouch(c, emblem="bean"):
    if emblem == "bean":
        mark = (f'<path d="M300 286 C330 300 336 356 300 374 C270 356 266 300 300 286Z" '
                f'fill="{c}"/>'
                f'<path d="M300 290 Q312 330 300 370" stroke="{light(c, 0.75)}" '
                f'stroke-width="5" fill="none"/>')
    else:
        mark = (f'<path d="M300 282 C318 310 336 332 336 350 A36 36 0 0 1 264 350 '
                f'C264 332 282 310 300 282Z" fill="{c}"/>'
                f'<circle cx="288" cy="352" r="8" fill="{WHITE}" opacity="0.6"/>')
    return (f'<path d="M206 196 H394 L408 448 Q300 476 192 448Z" fill="{c}"/>'
            f'<rect x="198" y="170" width="204" height="38" rx="8" fill="{dark(c, 0.25)}"/>'
            f'<path d="M206 208 H394" stroke="{dark(c, 0.4)}" stroke-width="3" '
            f'stroke-dasharray="8 8"/>'
            f'<circle cx="300" cy="330" r="64" fill="{light(c, 0.75)}"/>'
            + mark + sheen(222, 220, 14, 210, 7))


def toiletry(c):
    return pouch(c, emblem="drop")


def tumbler(c):
    return (f'<path d="M236 208 H364 L350 452 Q300 470 250 452Z" fill="{c}"/>'
            f'<rect x="226" y="160" width="148" height="54" rx="18" fill="{dark(c, 0.3)}"/>'
            f'<rect x="270" y="150" width="60" height="18" rx="9" fill="{dark(c, 0.45)}"/>'
            f'<path d="M244 380 H356 L353 414 H247Z" fill="{light(c, 0.6)}"/>'
            f'<circle cx="300" cy="290" r="24" fill="none" stroke="{light(c, 0.6)}" '
            f'stroke-width="8"/>'
            + sheen(252, 222, 16, 220))


def lipbalm(c):
    return (f'<g transform="rotate(-8 300 330)">'
            f'<path d="M268 262 V196 Q268 176 300 166 L332 156 V262Z" fill="{light(c, 0.2)}"/>'
            f'<rect x="256" y="256" width="88" height="34" rx="6" fill="#E9C88E"/>'
            f'<rect x="248" y="286" width="104" height="176" rx="16" fill="{c}"/>'
            + sheen(262, 300, 14, 146, 7) + '</g>'
            f'<g transform="translate(420 420) rotate(64)">'
            f'<rect x="-52" y="-36" width="104" height="72" rx="16" fill="{dark(c, 0.15)}"/>'
            f'<rect x="-40" y="-26" width="14" height="52" rx="7" fill="{WHITE}" '
            f'opacity="0.25"/></g>')


def tube(c):
    return (f'<g transform="rotate(-14 300 320)">'
            f'<path d="M262 400 L236 188 H364 L338 400Z" fill="{light(c, 0.55)}"/>'
            f'<rect x="226" y="166" width="148" height="30" rx="5" fill="{light(c, 0.35)}"/>'
            f'<path d="M240 172 V190 M258 172 V190 M276 172 V190 M294 172 V190 M312 172 V190 '
            f'M330 172 V190 M348 172 V190 M360 172 V190" stroke="{light(c, 0.6)}" '
            f'stroke-width="4"/>'
            f'<path d="M252 280 H348 L343 330 H257Z" fill="{c}"/>'
            f'<rect x="258" y="396" width="84" height="70" rx="12" fill="{c}"/>'
            f'<rect x="258" y="396" width="84" height="14" fill="{dark(c, 0.2)}"/>'
            + sheen(252, 206, 14, 180, 7) + '</g>')


def jar(c):
    return (f'<rect x="196" y="300" width="208" height="164" rx="34" fill="{light(c, 0.7)}"/>'
            f'<rect x="184" y="246" width="232" height="70" rx="22" fill="{c}"/>'
            f'<rect x="184" y="292" width="232" height="14" fill="{dark(c, 0.2)}"/>'
            f'<rect x="236" y="352" width="128" height="58" rx="12" fill="{WHITE}" '
            f'opacity="0.7"/>'
            f'<circle cx="300" cy="381" r="14" fill="{c}" opacity="0.6"/>'
            + sheen(210, 318, 14, 122, 7)
            + f'<path d="M410 250 C450 230 470 190 456 150 C420 166 400 204 410 250Z" '
              f'fill="#8DBF8A"/><path d="M410 250 Q432 200 456 150" stroke="#6FA36C" '
              f'stroke-width="4" fill="none"/>')


def pump(c):
    return (f'<path d="M268 168 H352 Q364 168 364 180 H302 V200 H286 V180 H268Z" '
            f'fill="{dark(c, 0.35)}"/>'
            f'<rect x="264" y="160" width="44" height="26" rx="8" fill="{dark(c, 0.35)}"/>'
            f'<rect x="278" y="186" width="16" height="34" fill="{dark(c, 0.45)}"/>'
            f'<rect x="262" y="214" width="48" height="44" rx="8" fill="{dark(c, 0.2)}"/>'
            f'<rect x="218" y="250" width="136" height="216" rx="40" fill="{c}"/>'
            f'<rect x="232" y="318" width="108" height="88" rx="10" fill="{light(c, 0.8)}"/>'
            f'<circle cx="286" cy="362" r="20" fill="none" stroke="{c}" stroke-width="6"/>'
            + sheen(234, 268, 14, 180, 7)
            + f'<circle cx="406" cy="436" r="30" fill="{light(c, 0.55)}"/>'
              f'<circle cx="396" cy="426" r="9" fill="{WHITE}" opacity="0.5"/>')


def dropper(c):
    return (f'<rect x="272" y="140" width="56" height="96" rx="28" fill="{dark(c, 0.3)}"/>'
            f'<rect x="256" y="228" width="88" height="56" rx="8" fill="#D9B56B"/>'
            f'<rect x="256" y="244" width="88" height="6" fill="#B8924A"/>'
            f'<rect x="226" y="278" width="148" height="188" rx="30" fill="{light(c, 0.5)}" '
            f'opacity="0.9"/>'
            f'<path d="M226 360 H374 V436 Q374 466 344 466 H256 Q226 466 226 436Z" '
            f'fill="{c}"/>'
            f'<rect x="252" y="318" width="96" height="30" rx="6" fill="{WHITE}" opacity="0.6"/>'
            + sheen(240, 292, 14, 150, 7)
            + sparkle(420, 220, 22, "#FFF3C4") + sparkle(180, 300, 14, "#FFF3C4"))


def tote(c):
    canvas = "#F7F0E3"
    return (f'<path d="M236 250 C236 150 364 150 364 250" fill="none" stroke="{dark(c, 0.2)}" '
            f'stroke-width="18" stroke-linecap="round"/>'
            f'<path d="M214 250 C214 130 386 130 386 250" fill="none" stroke="{c}" '
            f'stroke-width="18" stroke-linecap="round"/>'
            f'<path d="M186 240 H414 L424 452 Q424 466 410 466 H190 Q176 466 176 452Z" '
            f'fill="{canvas}"/>'
            f'<rect x="176" y="240" width="248" height="30" fill="{c}"/>'
            f'<circle cx="300" cy="366" r="52" fill="{c}"/>'
            f'<path d="M300 334 C326 346 330 384 300 398 C274 384 274 346 300 334Z" '
            f'fill="{canvas}"/>'
            f'<path d="M200 280 V450" stroke="{WHITE}" stroke-width="12" opacity="0.5" '
            f'stroke-linecap="round"/>')


def mug(c):
    return (f'<path d="M362 270 c86 -6 90 132 -2 132" fill="none" stroke="{dark(c, 0.1)}" '
            f'stroke-width="28" stroke-linecap="round"/>'
            f'<rect x="196" y="236" width="180" height="230" rx="30" fill="{c}"/>'
            f'<ellipse cx="286" cy="240" rx="90" ry="18" fill="{dark(c, 0.3)}"/>'
            f'<path d="M196 400 H376 V436 Q376 466 346 466 H226 Q196 466 196 436Z" '
            f'fill="{light(c, 0.75)}"/>'
            + sheen(212, 262, 16, 120)
            + steam(286, 100))


def candle(c):
    return (f'<circle cx="300" cy="196" r="62" fill="url(#glow)"/>'
            f'<path d="M300 150 C322 180 324 206 300 222 C276 206 278 180 300 150Z" '
            f'fill="#FFB845"/>'
            f'<path d="M300 176 C310 192 310 206 300 214 C290 206 290 192 300 176Z" '
            f'fill="#FFF1C2"/>'
            f'<rect x="297" y="214" width="6" height="30" rx="3" fill="{INK}"/>'
            f'<rect x="206" y="236" width="188" height="230" rx="34" fill="{WHITE}" '
            f'opacity="0.55"/>'
            f'<rect x="218" y="262" width="164" height="192" rx="26" fill="{light(c, 0.7)}"/>'
            f'<rect x="206" y="330" width="188" height="70" fill="{c}"/>'
            f'<circle cx="300" cy="365" r="18" fill="none" stroke="{light(c, 0.7)}" '
            f'stroke-width="5"/>'
            + sheen(222, 252, 14, 190, 7))


def towels(c):
    tints = [dark(c, 0.1), light(c, 0.35), light(c, 0.7)]
    parts = []
    for i, (y, tint) in enumerate(zip((392, 322, 252), tints)):
        parts.append(f'<rect x="{170 + i * 8}" y="{y}" width="{260 - i * 16}" height="74" '
                     f'rx="30" fill="{tint}"/>'
                     f'<rect x="{170 + i * 8}" y="{y + 46}" width="{260 - i * 16}" '
                     f'height="10" fill="{WHITE}" opacity="0.35"/>')
    parts.append(f'<rect x="230" y="200" width="140" height="58" rx="29" fill="{WHITE}"/>'
                 f'<circle cx="340" cy="229" r="20" fill="{light(c, 0.8)}"/>'
                 f'<circle cx="340" cy="229" r="8" fill="{light(c, 0.55)}"/>')
    return "".join(parts)


def lunchbox(c):
    return (f'<path d="M248 232 V206 Q248 186 268 186 H332 Q352 186 352 206 V232" '
            f'fill="none" stroke="{dark(c, 0.3)}" stroke-width="16"/>'
            f'<rect x="176" y="296" width="248" height="170" rx="30" fill="{c}"/>'
            f'<rect x="176" y="360" width="248" height="8" fill="{dark(c, 0.2)}"/>'
            f'<rect x="176" y="410" width="248" height="8" fill="{dark(c, 0.2)}"/>'
            f'<rect x="164" y="228" width="272" height="76" rx="28" fill="{light(c, 0.35)}"/>'
            f'<rect x="162" y="318" width="22" height="40" rx="6" fill="{light(c, 0.6)}"/>'
            f'<rect x="416" y="318" width="22" height="40" rx="6" fill="{light(c, 0.6)}"/>'
            + sheen(196, 242, 120, 12, 6))


def diffuser(c):
    return (f'<path d="M262 150 c-24 -20 10 -40 -6 -66 M300 140 c-20 -24 16 -44 0 -74 '
            f'M338 150 c-18 -22 14 -38 -2 -62" fill="none" stroke="{WHITE}" '
            f'stroke-width="14" stroke-linecap="round" opacity="0.7"/>'
            f'<path d="M300 170 C388 170 422 330 412 430 H188 C178 330 212 170 300 170Z" '
            f'fill="{light(c, 0.75)}"/>'
            f'<ellipse cx="300" cy="176" rx="30" ry="10" fill="{light(c, 0.45)}"/>'
            f'<circle cx="300" cy="330" r="60" fill="url(#glow)"/>'
            f'<rect x="180" y="418" width="240" height="48" rx="16" fill="{c}"/>'
            f'<circle cx="300" cy="442" r="8" fill="{light(c, 0.7)}"/>'
            + sheen(224, 240, 16, 160))


def headphones(c):
    return (f'<path d="M186 340 C186 150 414 150 414 340" fill="none" stroke="{c}" '
            f'stroke-width="30" stroke-linecap="round"/>'
            f'<path d="M214 250 C240 190 360 190 386 250" fill="none" stroke="{light(c, 0.5)}" '
            f'stroke-width="10" stroke-linecap="round"/>'
            f'<rect x="150" y="300" width="92" height="160" rx="40" fill="{c}"/>'
            f'<rect x="358" y="300" width="92" height="160" rx="40" fill="{c}"/>'
            f'<rect x="214" y="318" width="40" height="124" rx="18" fill="{light(c, 0.25)}"/>'
            f'<rect x="346" y="318" width="40" height="124" rx="18" fill="{light(c, 0.25)}"/>'
            + sheen(166, 322, 14, 110, 7) + sheen(374, 322, 14, 110, 7))


def ticket(c):
    def one(fill, stub, angle, dx, dy):
        return (f'<g transform="translate({dx} {dy}) rotate({angle} 300 320)">'
                f'<path d="M150 240 H450 V292 A28 28 0 0 0 450 348 V400 H150 V348 '
                f'A28 28 0 0 0 150 292Z" fill="{fill}"/>'
                f'<path d="M352 252 V388" stroke="{WHITE}" stroke-width="5" '
                f'stroke-dasharray="10 10" opacity="0.8"/>'
                f'<circle cx="250" cy="320" r="50" fill="{stub}"/>'
                f'<circle cx="250" cy="320" r="34" fill="none" stroke="{fill}" '
                f'stroke-width="7"/>'
                f'<path d="M250 298 L256 314 L273 314 L259 324 L264 341 L250 331 L236 341 '
                f'L241 324 L227 314 L244 314Z" fill="{fill}"/>'
                f'<rect x="376" y="290" width="50" height="12" rx="6" fill="{stub}"/>'
                f'<rect x="376" y="314" width="36" height="12" rx="6" fill="{stub}" '
                f'opacity="0.7"/>'
                f'<rect x="376" y="338" width="44" height="12" rx="6" fill="{stub}" '
                f'opacity="0.5"/></g>')
    return one(light(c, 0.6), WHITE, 8, 10, -34) + one(c, light(c, 0.8), -7, -4, 30)


def kettle(c):
    return (f'<path d="M214 400 C150 396 166 250 112 226" fill="none" stroke="{dark(c, 0.1)}" '
            f'stroke-width="16" stroke-linecap="round"/>'
            f'<path d="M382 294 C454 294 452 420 392 424" fill="none" stroke="{INK}" '
            f'stroke-width="20" stroke-linecap="round"/>'
            f'<path d="M222 290 H378 L404 440 Q404 466 378 466 H222 Q196 466 196 440Z" '
            f'fill="{c}"/>'
            f'<path d="M232 264 H368 L378 296 H222Z" fill="{dark(c, 0.15)}"/>'
            f'<rect x="282" y="238" width="36" height="30" rx="12" fill="{INK}"/>'
            + sheen(218, 312, 14, 124, 7)
            + f'<path d="M106 228 c0 14 -10 22 -10 32" stroke="#7FC3E0" stroke-width="7" '
              f'fill="none" stroke-linecap="round"/>')


def gift(c):
    ribbon = light(c, 0.75)
    return (f'<path d="M300 250 C250 170 190 200 226 246 Z" fill="{ribbon}"/>'
            f'<path d="M300 250 C350 170 410 200 374 246 Z" fill="{ribbon}"/>'
            f'<rect x="186" y="308" width="228" height="158" rx="12" fill="{c}"/>'
            f'<rect x="170" y="252" width="260" height="66" rx="12" fill="{light(c, 0.2)}"/>'
            f'<rect x="284" y="252" width="32" height="214" fill="{ribbon}"/>'
            f'<rect x="186" y="308" width="228" height="10" fill="{dark(c, 0.2)}" '
            f'opacity="0.6"/>'
            f'<circle cx="300" cy="250" r="16" fill="{WHITE}"/>'
            + sheen(200, 324, 14, 126, 7))


def cloche(c):
    return (f'<ellipse cx="300" cy="440" rx="184" ry="30" fill="#F4F1EA"/>'
            f'<ellipse cx="300" cy="434" rx="150" ry="18" fill="#E2DCCF"/>'
            f'<path d="M150 428 C150 300 220 236 300 236 C380 236 450 300 450 428Z" '
            f'fill="{c}"/>'
            f'<rect x="140" y="418" width="320" height="18" rx="9" fill="{dark(c, 0.2)}"/>'
            f'<circle cx="300" cy="226" r="20" fill="{dark(c, 0.15)}"/>'
            f'<path d="M196 380 C196 320 230 282 270 268" fill="none" stroke="{WHITE}" '
            f'stroke-width="14" stroke-linecap="round" opacity="0.45"/>'
            + sparkle(440, 200, 26, c) + sparkle(160, 230, 16, c) + sparkle(380, 150, 12, c))


def sparkle(x, y, r, colour, opacity=0.9):
    k = r * 0.22
    return (f'<path d="M{x} {y - r} Q{x + k} {y - k} {x + r} {y} Q{x + k} {y + k} {x} {y + r} '
            f'Q{x - k} {y + k} {x - r} {y} Q{x - k} {y - k} {x} {y - r}Z" fill="{colour}" '
            f'opacity="{opacity}"/>')


MOTIFS = {f.__name__: f for f in (cup, latte, takeaway, bottle, pouch, tumbler, lipbalm, tube,
                                  toiletry,
                                  jar, pump, dropper, tote, mug, candle, towels, lunchbox,
                                  diffuser, headphones, ticket, kettle, gift, cloche)}
