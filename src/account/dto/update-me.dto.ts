import { DisplayName } from '../../common/http/validators';

export class UpdateMeDto {
  @DisplayName({ example: 'Onur Kacmaz' })
  name!: string;
}
