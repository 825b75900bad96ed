import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One option that tells a variant apart from its siblings, e.g. size = M.' })
export class VariantOption {
  @Field({ description: 'What varies, e.g. "size" or "color".' })
  name!: string;

  @Field({ description: 'The value of this variant, e.g. "M" or "olive".' })
  value!: string;
}
