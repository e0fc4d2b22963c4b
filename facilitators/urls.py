app_name = "facilitators"
urlpatterns: list = []
