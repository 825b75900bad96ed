import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { MembersContext } from '../context.js';
import { ChangePasswordResult } from '../session/session.results.js';
import { SignUpInput } from './account.inputs.js';
import { ResetPasswordResult, SignUpResult, VerifyEmailResult } from './account.results.js';
import {
  changePassword,
  requestPasswordReset,
  resendVerificationEmail,
  resetPassword,
  signUp,
  verifyEmail,
} from './account.service.js';

@Resolver()
export class AccountResolver {
  @Mutation(() => SignUpResult, { description: 'Creates an account (unverified) and mails a verification link.' })
  signUp(@Arg('input', () => SignUpInput, { description: 'Email, password and name.' }) input: SignUpInput, @Ctx() context: MembersContext) {
    return signUp(context, input);
  }

  @Mutation(() => VerifyEmailResult, { description: 'Confirms the email address with the token from the verification mail.' })
  verifyEmail(@Arg('token', { description: 'The token from the mailed link.' }) token: string, @Ctx() context: MembersContext) {
    return verifyEmail(context, token);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Mails a new verification link; false when the email is verified already.' })
  resendVerificationEmail(@Ctx() context: MembersContext) {
    return resendVerificationEmail(context);
  }

  @Authorized()
  @Mutation(() => ChangePasswordResult, { description: 'Changes the password after checking the current one; logs out every other device.' })
  changePassword(
    @Arg('current', { description: 'The password in use now.' }) current: string,
    @Arg('next', { description: 'The new password.' }) next: string,
    @Ctx() context: MembersContext,
  ) {
    return changePassword(context, current, next);
  }

  @Mutation(() => Boolean, { description: 'Mails a single-use reset link if an account has this email. Always true, so it reveals no accounts.' })
  requestPasswordReset(@Arg('email', { description: 'The account email.' }) email: string, @Ctx() context: MembersContext) {
    return requestPasswordReset(context, email);
  }

  @Mutation(() => ResetPasswordResult, { description: 'Sets a new password with a mailed reset token; logs out every device.' })
  resetPassword(
    @Arg('token', { description: 'The token from the mailed link.' }) token: string,
    @Arg('password', { description: 'The new password.' }) password: string,
    @Ctx() context: MembersContext,
  ) {
    return resetPassword(context, token, password);
  }
}
