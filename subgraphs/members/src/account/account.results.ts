import { ErrorResult } from '@commerce/kit';
import { createUnionType, Field, Int, ObjectType } from 'type-graphql';
import { Member } from '../member/member.entity.js';

@ObjectType({ implements: ErrorResult, description: 'Another account already uses this email.' })
export class EmailTaken extends ErrorResult {
  override code = 'EMAIL_TAKEN';
}

@ObjectType({ implements: ErrorResult, description: 'The password is too easy to guess; `message` says why.' })
export class WeakPassword extends ErrorResult {
  override code = 'WEAK_PASSWORD';

  @Field(() => Int, { description: 'The shortest password accepted.' })
  minLength!: number;
}

@ObjectType({ implements: ErrorResult, description: 'This is not an email address we can send to.' })
export class InvalidEmail extends ErrorResult {
  override code = 'INVALID_EMAIL';
}

@ObjectType({ implements: ErrorResult, description: 'The link is unknown, already used or expired; ask for a new one.' })
export class InvalidToken extends ErrorResult {
  override code = 'INVALID_TOKEN';
}

export const SignUpResult = createUnionType({
  name: 'SignUpResult',
  description: 'The new (unverified) member, or why the account could not be created.',
  types: () => [Member, EmailTaken, WeakPassword, InvalidEmail] as const,
});

export const VerifyEmailResult = createUnionType({
  name: 'VerifyEmailResult',
  description: 'The member with a verified email, or why the link did not work.',
  types: () => [Member, InvalidToken] as const,
});

export const ResetPasswordResult = createUnionType({
  name: 'ResetPasswordResult',
  description: 'The member, now with the new password and logged out everywhere, or why it failed.',
  types: () => [Member, InvalidToken, WeakPassword] as const,
});
