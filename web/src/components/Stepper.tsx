// A number chosen with − and + (or typed): guests, for instance.
import { useId } from 'react'
import { useI18n } from '../i18n'

interface Props {
  label: string
  name: string
  /** Empty: not chosen yet (shown as the placeholder `min`). */
  value: string
  min: number
  max: number
  onChange: (value: string) => void
  className?: string
}

export function Stepper({ label, name, value, min, max, onChange, className }: Props) {
  const { t } = useI18n()
  const id = useId()
  const current = value === '' ? min : Number(value)
  const step = (by: number) =>
    onChange(String(Math.min(max, Math.max(min, (Number.isFinite(current) ? current : min) + by))))
  return (
    <div className={`stepper ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="stepper-controls">
        <button
          type="button"
          className="stepper-button"
          aria-label={t('stepper.less', { label })}
          disabled={current <= min}
          onClick={() => step(-1)}
        >
          −
        </button>
        <input
          id={id}
          name={name}
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          placeholder={String(min)}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
        <button
          type="button"
          className="stepper-button"
          aria-label={t('stepper.more', { label })}
          disabled={current >= max}
          onClick={() => step(1)}
        >
          +
        </button>
      </div>
    </div>
  )
}
