"""A route class for hot JSON-body endpoints: the common request skips FastAPI's generic body handling."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class JsonBodyRoute(APIRoute):
    """An APIRoute whose endpoint takes `(request, body)`, `body` a pydantic model, and returns a Response.

    A body sent as `application/json` that pydantic accepts is parsed and validated in one step
    (`model_validate_json`) and handed straight to the endpoint. Anything else (another content type, an
    empty body, a body pydantic refuses) goes through FastAPI's own handler, so every refusal is answered exactly
    as FastAPI answers it. An endpoint of any other shape (dependencies, other parameters, an embedded body) is
    served by FastAPI's handler alone.

    Add such routes to the app as they are (`app.router.routes`), not with `include_router`: dependencies that
    an inclusion adds are kept where FastAPI builds its own handler, and this one would not run them."""

    def get_route_handler(self) -> Handler:
        general = super().get_route_handler()
        model = _body_model(self)
        if model is None:
            return general
        endpoint: Callable[[Request, Any], Coroutine[Any, Any, Response]] = self.endpoint

        async def handler(request: Request) -> Response:
            if request.headers.get("content-type") != "application/json":
                return await general(request)
            try:
                body = model.model_validate_json(await request.body())
            except ValidationError:
                return await general(request)  # FastAPI words the refusal (the body is kept on the request)
            return await endpoint(request, body)

        return handler


def _body_model(route: APIRoute) -> type[BaseModel] | None:
    """The endpoint's body model when its only parameters are the request and that body; else None."""
    dependant = route.dependant
    if (dependant.dependencies or dependant.query_params or dependant.header_params or dependant.path_params
            or dependant.cookie_params or len(dependant.body_params) != 1 or dependant.request_param_name is None
            or not inspect.iscoroutinefunction(route.endpoint)):
        return None
    body = dependant.body_params[0]
    annotation = body.field_info.annotation
    if getattr(body.field_info, "embed", False) or not (isinstance(annotation, type)
                                                          and issubclass(annotation, BaseModel)):
        return None  # an embedded body is the value of a key in the JSON object, not the object
    names = list(inspect.signature(route.endpoint).parameters)
    if names != [dependant.request_param_name, body.name]:
        return None
    return annotation
