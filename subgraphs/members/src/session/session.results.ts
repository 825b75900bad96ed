import { ErrorResult } from '@commerce/kit';
import { createUnionType, Field, Int, ObjectType } from 'type-graphql';
import { WeakPassword } from '../account/account.results.js';
import { Member } from '../member/member.entity.js';

@ObjectType({ description: 'A logged-in device: the tokens to call the API with.' })
export class Session {
  @Field({ description: 'Short-lived EdDSA-signed JWT; send it as `Authorization: Bearer …`.' })
  accessToken!: string;

  @Field({ description: 'Single-use token that obtains the next pair (refreshSession). Keep it secret.' })
  refreshToken!: string;

  @Field({ description: 'When the access token expires.' })
  expiresAt!: Date;

  @Field(() => Member, { description: 'Who is logged in.' })
  member!: Member;
}

@ObjectType({ implements: ErrorResult, description: 'Unknown email or wrong password (deliberately not saying which).' })
export class InvalidCredentials extends ErrorResult {
  override code = 'INVALID_CREDENTIALS';
}

@ObjectType({ implements: ErrorResult, description: 'Too many failed attempts for this account or from this address.' })
export class LockedOut extends ErrorResult {
  override code = 'LOCKED_OUT';

  @Field(() => Int, { description: 'Seconds until attempts are accepted again.' })
  retryAfterSeconds!: number;
}

@ObjectType({ implements: ErrorResult, description: 'The refresh token is unknown, expired, already used, or its session ended.' })
export class InvalidRefreshToken extends ErrorResult {
  override code = 'INVALID_REFRESH_TOKEN';
}

export const LogInResult = createUnionType({
  name: 'LogInResult',
  description: 'A new device session, or why logging in failed.',
  types: () => [Session, InvalidCredentials, LockedOut] as const,
});

export const RefreshSessionResult = createUnionType({
  name: 'RefreshSessionResult',
  description: 'The next token pair of the same device session, or why it cannot be refreshed.',
  types: () => [Session, InvalidRefreshToken] as const,
});

export const ChangePasswordResult = createUnionType({
  name: 'ChangePasswordResult',
  description: 'The member (other devices are logged out), or why the password was not changed.',
  types: () => [Member, InvalidCredentials, WeakPassword, LockedOut] as const,
});
