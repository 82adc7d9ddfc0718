import type { ServiceContext } from './context.js';
import { DeclarationsService } from './declarations-service.js';
import { ResidentsService } from './residents-service.js';
import { SignInService } from './sign-in-service.js';

/** The use cases, wired to one context; what the HTTP layer and the CLI call. */
export interface Services {
  ctx: ServiceContext;
  residents: ResidentsService;
  declarations: DeclarationsService;
  signIn: SignInService;
}

export function createServices(ctx: ServiceContext): Services {
  return {
    ctx,
    residents: new ResidentsService(ctx),
    declarations: new DeclarationsService(ctx),
    signIn: new SignInService(ctx),
  };
}
