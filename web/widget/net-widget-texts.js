/* Generated from domain.yml by `make setup` (python -m net_assistant.widget_texts):
 * do not edit; change the response in domain.yml instead. */
window.NetWidgetTexts = {
  "en": {
    "disclaimer": "Welcome. I'm an automated assistant with general information about treatments for neuroendocrine tumours (NETs), taken from patient-information pages. I can't give medical advice: please talk to your doctor or specialist NET team about your own care. In an emergency, call your local emergency number."
  }
};
