"""The Service Charter's clocks: written complaints and enquiries answered in working days."""
