"""Post input to the app the way pygame delivers it."""

import pygame


def click(app, pos, button=1):
    app.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button))
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button))
    app.frame()


def move(app, pos):
    app.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    app.frame()


def key(app, k, mod=0, unicode=""):
    app.handle(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=unicode, scancode=0))
    app.frame()


def country_point(app, c):
    main = app.screens["main"]
    x, y = main.map.centres[c]
    return int(x + main.map.rect.x), int(y + main.map.rect.y)


def tool_row_point(app, tool_id):
    main = app.screens["main"]
    i = main.palette.ids.index(tool_id)
    r = main.palette.list.row_rect(i)
    return r.x + 40, r.centery


def close_events(app):
    """Dismiss event dialogs (Esc) so the main screen gets the input."""
    for _ in range(10):
        if not app.overlays:
            return
        key(app, pygame.K_ESCAPE)
