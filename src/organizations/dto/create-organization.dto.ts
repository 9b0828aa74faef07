import { DisplayName } from '../../common/http/validators';

export class CreateOrganizationDto {
  @DisplayName({ example: 'Acme Corp' })
  name!: string;
}
