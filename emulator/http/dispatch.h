/* The request pipeline: route, authenticate, parse, authorize, audit, run the
 * handler, and render the outcome (response or AWS error) in the service's
 * shape with its standard headers. */
#ifndef DYNALAKE_DISPATCH_H
#define DYNALAKE_DISPATCH_H

struct call;

/* Runs the whole pipeline on a call the server has filled in. */
void dispatch(struct call *c);

/* Answers a request whose body exceeded the server's bound. */
void dispatch_reject_too_large(struct call *c);

#endif
