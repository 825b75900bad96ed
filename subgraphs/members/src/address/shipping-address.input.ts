import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new shipping address.' })
export class ShippingAddressInput {
  @Field({ description: 'Who receives the parcel (1 to 80 characters).' })
  recipientName!: string;

  @Field({ description: 'Phone number for the courier.' })
  phone!: string;

  @Field({ description: 'Postal code.' })
  postalCode!: string;

  @Field({ description: 'Street address.' })
  line1!: string;

  @Field(() => String, { nullable: true, description: 'Building, floor, unit.' })
  line2?: string | null;

  @Field({ description: 'City or province.' })
  city!: string;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country code; KR when omitted.' })
  country?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Make it the default address (the first address always is).' })
  isDefault?: boolean | null;
}

@InputType({ description: 'Changes to a shipping address; omitted fields stay as they are.' })
export class ShippingAddressPatch {
  @Field(() => String, { nullable: true, description: 'Who receives the parcel.' })
  recipientName?: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number for the courier.' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code.' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Street address.' })
  line1?: string | null;

  @Field(() => String, { nullable: true, description: 'Building, floor, unit; an empty string removes it.' })
  line2?: string | null;

  @Field(() => String, { nullable: true, description: 'City or province.' })
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country code.' })
  country?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true makes it the default address.' })
  isDefault?: boolean | null;
}
